from tests.conftest import PASSWORD, get_token, sign_in


def test_health_reports_database_ok(client):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_sign_in_and_out(client, world):
    p = world.partnership()
    world.person("admin@trust.org.uk", ("admin", p), name="Ada Admin")
    response = sign_in(client, "Admin@Trust.org.uk")
    assert response.status_code == 302
    home = client.get("/")
    assert "Welcome, Ada Admin" in home.get_data(as_text=True)
    client.post("/logout", data={"csrf_token": get_token(client, "/")})
    assert client.get("/").status_code == 302


def test_wrong_password_is_refused_with_a_clear_message(client, world):
    world.person("head@school.org.uk")
    response = sign_in(client, "head@school.org.uk", "wrong password")
    assert response.status_code == 401
    assert "The email address or password is not right" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_a_person_switched_off_is_signed_out_at_their_next_request(client, world):
    from peerreview.extensions import db

    school = world.school(world.partnership())
    head = world.person("head@school.org.uk", ("head", school))
    assert sign_in(client, "head@school.org.uk").status_code == 302
    assert client.get("/").status_code == 200
    head.active = False
    db.session.commit()
    response = client.get("/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_the_password_show_button_speaks_welsh_on_a_welsh_page(client):
    client.set_cookie("lang", "cy")
    page = client.get("/login").get_data(as_text=True)
    assert 'lang="cy"' in page
    assert "Mewngofnodi" in page  # "Sign in"
    assert "Dangos" in page  # the password field's "Show" button, not English
