"""Who speaks for a partner organisation when it records a position or an endorsement."""
from __future__ import annotations


def may_speak_for_organisation(is_representative: bool, organisation_has_representatives: bool) -> bool:
    """Any person of the organisation in the project, unless the project lead has named
    representatives for it: then only they."""
    return is_representative or not organisation_has_representatives
