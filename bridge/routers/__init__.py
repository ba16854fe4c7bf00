"""The HTTP routes of SPEC sections 5-7, one router per resource, each with the SQL it sends beside it.

Each route runs in the caller's transaction (bridge.deps.Db): the SQL functions hold the rules, row-level
security decides what is visible; a router only maps JSON. bridge.app mounts them under /api."""
