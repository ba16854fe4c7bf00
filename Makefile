# Two commands do all the set-up on a fresh Debian machine: `make run` and `make test`.
SHELL := /bin/bash
CLI := .venv/bin/pgchatter

.PHONY: deps test test-citus run bench lint stop clean

deps:
	@scripts/install-deps

# The browser tests need Debian's chromium; make run does not.
test:
	@scripts/install-deps --browser
	@scripts/test

# The whole stack in the foreground (Ctrl-C stops it): deploy, demo data, mailbox, listener, bridge.
# Not part of test: the schema on a local Citus coordinator and two workers (docs/scaling.md). Without
# Citus installed (scripts/citus-build) it says so in one line and exits 0.
test-citus: deps
	@scripts/citus-test

run: deps
	@$(CLI) run

bench: deps
	.venv/bin/python bench/unread.py
	.venv/bin/python bench/search.py
	.venv/bin/python bench/tracking.py
	.venv/bin/python bench/messages.py
	.venv/bin/python bench/delivery.py
	.venv/bin/python bench/realtime.py
	.venv/bin/python bench/report.py

lint: deps
	.venv/bin/ruff check pgchatter listener bridge demo tests bench

stop:
	@$(CLI) db stop

clean: stop
	rm -rf .data .venv
