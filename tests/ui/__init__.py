"""UI tests: AppTest pages and flows, runner and transcript units, and the headless-Chromium click-through."""
