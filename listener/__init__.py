"""The delivery listener: drains chatter.outbox to SMTP and Web Push (SPEC section 8).

Rules live in SQL (`chatter.delivery_claim`, `outbox_done`, `outbox_fail`, ...); this package only moves
bytes: it claims a batch, sends it, and records the outcome.
"""
