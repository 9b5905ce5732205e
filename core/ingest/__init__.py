"""Everything an incident brings, read into the store: `logs`, `runtime` signals, `code` and `design` documents.

`textfile` opens any text asset (plain, .gz, .zip; any encoding) for all of them.
"""
