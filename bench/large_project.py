"""A large published partnership for the benchmarks: 100 partner organisations, and the
people and records a partnership of that size keeps."""
from __future__ import annotations

from pathlib import Path

from localvision import create_app
from localvision.extensions import db
from localvision.models import Organisation, PartnerRole, Phase, Project, ProjectMembership, ProjectPartner, ProjectRole, Sector, User

PARTNERS = 100


def build_large_project(database_url: str, instance_path: Path) -> str:
    """Create the schema and the project in an empty database; return the project's slug."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "bench", "REDIS_URL": ""},
                     instance_path=instance_path)
    sectors = list(Sector)
    with app.app_context():
        db.create_all()
        project = Project(slug="large-partnership", title="A large partnership", place="Benchmark",
                          theme="Everything at once", summary="One hundred partners working together.",
                          phase=Phase.DELIVER, is_published=True)
        organisations = [Organisation(name=f"Partner organisation {n:03d}", sector=sectors[n % len(sectors)])
                         for n in range(PARTNERS)]
        db.session.add_all([project, *organisations])
        for number, organisation in enumerate(organisations):
            role = PartnerRole.LEAD_PARTNER if number == 0 else PartnerRole.PARTNER
            db.session.add(ProjectPartner(project=project, organisation=organisation, role=role))
            person = User(email=f"person{number}@bench.example", name=f"Person {number}", organisation=organisation,
                          password_hash="not-for-signing-in")
            db.session.add(ProjectMembership(project=project, user=person,
                                             role=ProjectRole.LEAD if number == 0 else ProjectRole.MEMBER))
        db.session.commit()
        slug = project.slug
        db.session.remove()
        db.engine.dispose()
    return slug
