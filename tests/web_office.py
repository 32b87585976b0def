"""The office's people on a running site (an auditor and an inspector besides the world's deputy
and administrator), and waiting for the read models before a page reads them."""

from __future__ import annotations

from api_session import PASSWORD
from web_site import Site

from api.deployment import SchoolServices
from ejournal.commands import accounts
from ejournal.roles import Role

OFFICE = {
    "auditor": ("auditor", "Романова Вера Львовна", Role.AUDITOR),
    "inspector": ("inspector", "Тихонов Павел Ильич", Role.INSPECTOR),
    "deputy-administrator": (
        "deputy.admin",
        "Гусева Нина Петровна",
        Role.DEPUTY,
        Role.ADMINISTRATOR,
    ),
}


def services_of(site: Site) -> SchoolServices:
    services = site.app.state.deployment.school(site.school)
    assert services is not None
    return services


def add_office(site: Site, *who: str) -> None:
    """Register the office's people named (with the password PASSWORD) on the site's school."""
    services = services_of(site)
    world = site.world
    for name in who:
        login, full_name, *roles = OFFICE[name]
        actor = world.account(login, full_name, *roles)
        credential = services.credentials.set_password(actor.account_id, PASSWORD)
        accounts.set_credential(
            world.school,
            world.admin,
            accounts.SetCredential(
                account_id=actor.account_id, credential_id=credential, kind="password"
            ),
        )
        site.actors[name] = actor
    caught_up(site)


def caught_up(site: Site) -> None:
    """Wait until the read models have applied everything recorded so far."""
    services = services_of(site)
    assert services.projector.wait_for(site.world.school.position(), 20), "read models stalled"
