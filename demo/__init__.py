"""The demo stack (`pgchatter run`, `make run`), apart from the product: demo data (`data`), a local SMTP
mailbox (`mailbox`), the routes the page's demo needs (`routes`, served only with CHATTER_DEMO=1) and the
foreground runner (`run`). Nothing in pgchatter, bridge or listener needs it to work."""
