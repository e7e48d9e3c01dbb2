"""The audit trail reads as sentences a partner can follow."""
import factories
from localvision.domain.vocabulary import DecisionStance, Sector
from localvision.permissions import policy
from localvision.services import decisions


def test_a_position_reads_as_a_sentence_with_labelled_values(client_for, session):
    lead = factories.user(factories.organisation("Plymouth City Council", Sector.LOCAL_AUTHORITY), name="Alex Smith")
    pastors = factories.organisation("Torbay Street Pastors", Sector.VOLUNTARY_AND_COMMUNITY)
    pastor = factories.user(pastors, name="Sam Green")
    project = factories.project(lead=lead, partners=(pastors,), members=(pastor,))
    decision = factories.decision(project, lead, title="Night bus pilot")
    session.commit()
    context = policy.context_for(pastor, project)
    decisions.record_position(context, decision, DecisionStance.OBJECT, "No evaluation")
    decisions.record_position(context, decision, DecisionStance.SUPPORT, "")

    page = client_for(lead).get(f"/projects/{project.slug}/audit").get_data(as_text=True).replace("&#39;", "'")
    assert ("Sam Green (Torbay Street Pastors) recorded Torbay Street Pastors' position on ‘Night bus pilot’: support"
            in page)
    assert "Position</dt><dd>object → support" in page and "Reasons</dt><dd>No evaluation → not set" in page
    for raw in ("None", "{'", "decision_id", "organisation_id", "_on<"):
        assert raw not in page.split("Audit trail</h1>")[1]


def test_every_kind_of_event_has_its_own_sentence_and_unknown_kinds_still_read():
    from localvision.domain.vocabulary import EventKind
    from localvision.models import AuditEvent
    from localvision.queries.audit import PHRASES, Names, changes, sentence

    assert set(PHRASES) == set(EventKind)
    future = AuditEvent(kind="budget.approved", action="approved", object_type="BudgetLine", object_label="Year 2",
                        before={"amount": None, "line_id": 4}, after={"amount": "1200.00", "line_id": 4})
    assert sentence(future, Names({}, {})) == "The platform approved a budget line: Year 2"
    assert [(c.label, c.before, c.after) for c in changes(future)] == [("Amount", "not set", "1200.00")]


def test_an_invitation_accepted_reads_as_sentences_naming_nobody_by_address(client_for, session):
    from localvision.services import invitations

    lead = factories.user(factories.organisation("Plymouth City Council", Sector.LOCAL_AUTHORITY), name="Alex Smith")
    pastors = factories.organisation("Torbay Street Pastors", Sector.VOLUNTARY_AND_COMMUNITY)
    pastor = factories.user(pastors, name="Sam Green", email="sam.green@pastors.example", organisation_admin=True)
    project = factories.project(lead=lead)
    session.commit()
    invited = invitations.invite_organisation(policy.context_for(lead, project), pastors)
    invitations.accept_partner_invitation(pastor, invited.id)

    trail = client_for(lead).get(f"/projects/{project.slug}/audit").get_data(as_text=True).split("Audit trail</h1>")[1]
    assert "Alex Smith (Plymouth City Council) invited Torbay Street Pastors to join the partnership" in trail
    assert ("Sam Green (Torbay Street Pastors) accepted, for Torbay Street Pastors, the invitation to join the "
            "partnership") in trail
    assert "sam.green@" not in trail
