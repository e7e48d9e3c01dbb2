from localvision.domain.representation import may_speak_for_organisation


def test_anyone_speaks_while_no_representative_is_named():
    assert may_speak_for_organisation(is_representative=False, organisation_has_representatives=False)


def test_only_named_representatives_speak_once_any_is_named():
    assert may_speak_for_organisation(is_representative=True, organisation_has_representatives=True)
    assert not may_speak_for_organisation(is_representative=False, organisation_has_representatives=True)
