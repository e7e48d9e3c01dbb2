"""What a comment in a decision's discussion needs: the service refuses with these words
and the form shows them before anything is saved."""
from __future__ import annotations

COMMENT_NEEDED = "Write your comment"
LONGEST_COMMENT = 5000
COMMENT_TOO_LONG = f"Comment must be {LONGEST_COMMENT:,} characters or fewer"
