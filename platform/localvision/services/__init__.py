"""Every state change of the product, one function per use case.

A service function asks `policy` whether the actor may act, validates against the rules
in `domain/`, writes, and records the change with `events.record` (the audit trail and
the domain event are one row) before committing: one transaction, all or nothing.
Routes, jobs and the CLI call services; they never write models themselves.

A refusal raises `NotPermitted` or `Refused` (``domain/refusals.py``), whose message is
written for the person acting, so a route only has to show it.
"""
from __future__ import annotations
