"""The demo stack (`pgchatter run`, `make run`), apart from the product: demo data (`data`), a local SMTP
mailbox (`mailbox`), the routes the page's demo needs (`routes`, served only with CHATTER_DEMO=1), the
bridge with those routes mounted (`app`) and the foreground runner (`run`). Nothing in pgchatter, bridge
or listener imports it: the dependency goes one way, demo -> bridge."""
