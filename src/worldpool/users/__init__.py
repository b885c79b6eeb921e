"""People who use the cockpit: users, roles, argon2 passwords, login."""

from worldpool.users.service import (
    Login,
    NewUser,
    User,
    add_user,
    authenticate,
    get_user,
    list_users,
    set_language,
    set_password,
)

__all__ = [
    "Login",
    "NewUser",
    "User",
    "add_user",
    "authenticate",
    "get_user",
    "list_users",
    "set_language",
    "set_password",
]
