"""How a person's name is written: the Vietnamese way, family name first ("Nguyễn Thị Hoa").

Django's `get_full_name()` writes first_name before last_name ("Hoa Nguyễn Thị"); this is the one rule every
page, e-mail and document uses instead.
"""


def full_name(user) -> str:
    """last_name + " " + first_name ("Nguyễn Thị" + "Hoa"), or the username when both are empty;
    "" for no user."""
    if user is None:
        return ""
    name = " ".join(part for part in (user.last_name.strip(), user.first_name.strip()) if part)
    return name or user.get_username()
