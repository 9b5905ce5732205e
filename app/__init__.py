"""UI glue for the SRE Tribunal dashboard: session state, resources, the debate runner, i18n, widgets."""
