"""What a follow-up action needs from the person acting: the service refuses with these
words and the form shows them before anything is saved."""
from __future__ import annotations

ACTION_NEEDED = "Enter the action"
DROPPING_REASON_NEEDED = "Give the reason for dropping the action"
