def test_health_reports_the_migrated_revision(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "revision": "0005"}
