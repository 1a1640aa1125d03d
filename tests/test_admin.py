"""The admin pages manage organisations and users."""

from __future__ import annotations

import sqlalchemy as sa

from dispute_hub.models import Organization, User


def _admin(make, db, auth):
    admin = make.user("admin")
    db.session.commit()
    auth.login(admin)
    return admin


def test_admin_creates_an_organisation_and_a_mediator(client, make, db, auth):
    _admin(make, db, auth)
    response = client.post("/admin/organizations/new", data={
        "code": "rugao-ip-center", "name_zh": "如皋市知识产权纠纷调解中心", "name_en": "Rugao IP Mediation Center",
        "kind": "people_mediation_committee", "channels": ["people_mediation"], "district_code": "",
        "specialties": ["patent"], "industries": "machinery, textile", "active": "y",
    })
    assert response.status_code == 302, response.get_data(as_text=True)
    org = db.session.execute(sa.select(Organization).where(Organization.code == "rugao-ip-center")).scalar_one()
    assert org.industries == ["machinery", "textile"] and org.channels == ["people_mediation"]

    response = client.post("/admin/users/new", data={
        "email": "new.mediator@example.com", "name": "调解员 新", "role": "mediator",
        "organization_id": str(org.id), "password": "a-long-password", "active": "y",
        "specialties": ["patent", "trademark"], "languages": ["zh", "en"], "capacity": "15",
        "declared_interests": "南通鑫源家纺用品有限公司\n\n某律师事务所",
    })
    assert response.status_code == 302, response.get_data(as_text=True)
    user = db.session.execute(sa.select(User).where(User.email == "new.mediator@example.com")).scalar_one()
    assert user.organization_id == org.id
    assert user.mediator_profile.capacity == 15
    assert user.mediator_profile.declared_interests == ["南通鑫源家纺用品有限公司", "某律师事务所"]
    listing = client.get("/admin/").get_data(as_text=True)
    assert "rugao-ip-center" in listing and "new.mediator@example.com" in listing


def test_mediator_without_organisation_is_refused_with_field_error(client, make, db, auth):
    _admin(make, db, auth)
    response = client.post("/admin/users/new", data={
        "email": "orphan@example.com", "name": "无机构", "role": "mediator", "organization_id": "0",
        "password": "a-long-password", "active": "y", "capacity": "5",
    })
    assert response.status_code == 400
    assert "belong to an organisation" in response.get_data(as_text=True)
    assert db.session.execute(sa.select(User).where(User.email == "orphan@example.com")).first() is None


def test_admin_cannot_remove_own_admin_role(client, make, db, auth):
    admin = _admin(make, db, auth)
    response = client.post(f"/admin/users/{admin.id}", data={
        "email": admin.email, "name": admin.name, "role": "liaison", "organization_id": "0", "active": "y",
        "capacity": "0",
    })
    assert response.status_code == 400
    db.session.refresh(admin)
    assert admin.role == "admin"


def test_duplicate_organisation_code_is_refused(client, make, db, auth):
    make.org("taken")
    _admin(make, db, auth)
    response = client.post("/admin/organizations/new", data={
        "code": "taken", "name_zh": "另一个机构", "name_en": "Another", "kind": "court",
        "channels": ["litigation_mediation"], "district_code": "", "industries": "", "active": "y",
    })
    assert response.status_code == 400
    assert db.session.execute(sa.select(sa.func.count()).select_from(Organization)).scalar_one() == 1
