"""What a lesson in the learning log needs: the service refuses with these words and the
form shows them before anything is saved."""
from __future__ import annotations

PHASE_NEEDED = "Choose Discover, Design or Deliver"
TITLE_NEEDED = "Give the lesson a title"
TRIED_NEEDED = "Say what you tried"
HAPPENED_NEEDED = "Say what happened"
DIFFERENTLY_NEEDED = "Say what you would do differently"
