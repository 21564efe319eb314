import pytest


@pytest.mark.django_db
def test_smoke(clients, demo):
    c = clients["office"]
    for url in ["/inspections/", f"/inspections/{demo['seed000'].pk}/", f"/inspections/{demo['seed000'].pk}/edit/",
                f"/inspections/{demo['seed000'].pk}/channels/new/", f"/inspections/{demo['seed000'].pk}/meeting/",
                f"/inspections/{demo['seed000'].pk}/announcement/", f"/inspections/{demo['seed000'].pk}/announcement.docx",
                f"/inspections/{demo['seed000'].pk}/letterbox-notice.pdf", "/rounds/", f"/rounds/{demo['seed000'].round.pk}/",
                f"/teams/{demo['seed000'].team.pk}/", "/targets/", "/calendar/?start=2024-09-25&days=15", "/inspections/new/",
                f"/p/{demo['seed000'].public_id}/", "/api/v1/inspections", "/api/v1/calendar/add-working-days?start=2024-09-25&days=15"]:
        r = c.get(url)
        assert r.status_code == 200, (url, r.status_code, r.content[:3000])
    print(c.get(f"/inspections/{demo['seed000'].pk}/announcement/").content.decode()[-2500:])
    assert clients["auditor"].get("/audit/").status_code == 200
    assert clients["sysadmin"].get("/accounts/users/").status_code == 200
    assert clients["recipient"].get("/").status_code == 200
    assert clients["anonymous"].get("/accounts/login/").status_code == 200
