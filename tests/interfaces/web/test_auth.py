from __future__ import annotations

from tests.interfaces.web.conftest import Cockpit, csrf_of


def test_pages_need_a_login(cockpit: Cockpit) -> None:
    """An anonymous visitor is sent to the login page, remembering where they were going."""
    with cockpit.client() as client:
        response = client.get("/ui/inventory?search=MUG")
        assert response.status_code == 303
        assert response.headers["location"].startswith("/ui/login?next=/ui/inventory")
        htmx = client.get("/ui/orders", headers={"HX-Request": "true"})
        assert htmx.headers["HX-Redirect"].startswith("/ui/login")


def test_login_sets_a_hardened_cookie(cockpit: Cockpit) -> None:
    """A good login redirects and sets an HttpOnly, SameSite session cookie."""
    with cockpit.client() as client:
        token = csrf_of(client, "/ui/login")
        response = client.post(
            "/ui/login",
            data={
                "username": "olivia",
                "password": "cockpit-pass-1",
                "csrf": token,
                "next": "https://evil.example/",
            },
        )
        assert response.status_code == 303 and response.headers["location"] == "/ui/"
        cookie = response.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=lax" in cookie
        assert client.get("/ui/").status_code == 200


def test_login_without_csrf_is_refused(cockpit: Cockpit) -> None:
    """A login post without the page's CSRF token is refused with 403."""
    with cockpit.client() as client:
        client.get("/ui/login")
        response = client.post(
            "/ui/login", data={"username": "olivia", "password": "cockpit-pass-1"}
        )
        assert response.status_code == 403


def test_writes_need_the_csrf_token(cockpit: Cockpit) -> None:
    """A logged-in write without the CSRF token is refused; with it, it goes through."""
    with cockpit.login("oscar") as client:
        assert client.post("/ui/plans/PLAN-x/reject").status_code == 403
        forged = client.post(
            "/ui/plans/PLAN-x/reject", headers={"X-CSRF-Token": "forged"}
        )
        assert forged.status_code == 403
        token = csrf_of(client, "/ui/plans")
        response = client.post(
            "/ui/plans/PLAN-x/reject", headers={"X-CSRF-Token": token}
        )
        assert response.status_code == 303


def test_failed_logins_are_rate_limited(cockpit: Cockpit) -> None:
    """After five failures, even the right password is refused with 429 for a while."""
    with cockpit.client() as client:
        token = csrf_of(client, "/ui/login")
        codes = [
            client.post(
                "/ui/login",
                data={
                    "username": "vera",
                    "password": f"wrong-{i}",
                    "csrf": token,
                },
            ).status_code
            for i in range(5)
        ]
        right = client.post(
            "/ui/login",
            data={
                "username": "vera",
                "password": "cockpit-pass-1",
                "csrf": token,
            },
        )
    assert codes == [401] * 5 and right.status_code == 429


def test_tampered_cookie_is_a_logout(cockpit: Cockpit) -> None:
    """A session cookie with a changed payload is ignored (sent to the login page)."""
    with cockpit.login("vera") as client:
        value = client.cookies["wp_session"]
        body, mac = value.rsplit(".", 1)
        client.cookies.set("wp_session", body[:-2] + "xx." + mac)
        assert client.get("/ui/").status_code == 303


def test_language_from_header_switch_and_user_setting(cockpit: Cockpit) -> None:
    """Accept-Language picks Chinese; the switch stores the user's choice for next login."""
    with cockpit.client() as client:
        page = client.get("/ui/login", headers={"Accept-Language": "zh-CN,zh;q=0.9"})
        assert "登录" in page.text and 'lang="zh-CN"' in page.text
    with cockpit.login("vera") as client:
        assert "Overview" in client.get("/ui/").text
        token = csrf_of(client, "/ui/")
        data = {"lang": "zh-CN", "csrf": token, "next": "/ui/"}
        client.post("/ui/language", data=data)
        assert "总览" in client.get("/ui/").text
    with cockpit.login("vera") as again:
        assert "总览" in again.get("/ui/inventory").text
        assert "Inventory" in again.get("/ui/inventory?lang=en").text
