"""Who can act on a phone number: the route a takedown notice for a number should take.

North American toll-free numbers (800, 833, 844, 855, 866, 877, 888) are not held by a phone
company the way ordinary numbers are: each is managed by a *Responsible Organization*
(RespOrg), recorded in the toll-free number registry that Somos, Inc. administers. The RespOrg
can disconnect the number, and Somos offers a look-up of a number's RespOrg. Other numbers,
VoIP ones included, belong to whichever carrier serves them now (numbers are ported), which a
number-portability / carrier look-up tells.
"""

from __future__ import annotations

from dataclasses import dataclass

import phonenumbers
from phonenumbers import PhoneNumberFormat, PhoneNumberType

__all__ = ["FTC_REPORT_URL", "NumberRoute", "number_route"]

FTC_REPORT_URL = "https://reportfraud.ftc.gov/"

_TYPE_NAMES = {
    PhoneNumberType.TOLL_FREE: "toll-free",
    PhoneNumberType.VOIP: "VoIP",
    PhoneNumberType.PREMIUM_RATE: "premium-rate",
    PhoneNumberType.FIXED_LINE: "fixed-line",
    PhoneNumberType.MOBILE: "mobile",
    PhoneNumberType.FIXED_LINE_OR_MOBILE: "fixed-line or mobile",
    PhoneNumberType.SHARED_COST: "shared-cost",
    PhoneNumberType.UAN: "universal access",
    PhoneNumberType.PERSONAL_NUMBER: "personal",
}


@dataclass(frozen=True)
class NumberRoute:
    """Where a notice about one number goes, and how to find the recipient."""

    e164: str
    display: str  #: ``+1 888-555-0142``
    kind: str  #: ``toll-free``, ``VoIP``, … or ``unknown``
    region: str | None  #: ISO region, None when unknown
    recipient: str  #: who the notice is addressed to
    steps: tuple[str, ...]  #: how to find them and where else to report


def number_route(e164: str) -> NumberRoute:
    """The route for ``e164`` (any number; unknown ones get generic carrier advice)."""
    try:
        number = phonenumbers.parse(e164)
    except phonenumbers.NumberParseException:
        return _carrier_route(e164, e164, "unknown", None)
    display = phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)
    kind = _TYPE_NAMES.get(phonenumbers.number_type(number), "unknown")
    region = phonenumbers.region_code_for_number(number)
    if number.country_code == 1 and kind == "toll-free":
        return _resporg_route(e164, display, region)
    return _carrier_route(e164, display, kind, region)


def _resporg_route(e164: str, display: str, region: str | None) -> NumberRoute:
    return NumberRoute(
        e164=e164,
        display=display,
        kind="toll-free",
        region=region,
        recipient=f"the Responsible Organization (RespOrg) managing {display} "
        f"[RespOrg: look up via the Somos TFN registry for {e164}]",
        steps=(
            (
                f"{display} is a North American toll-free number. Toll-free numbers are "
                "managed by a Responsible Organization (RespOrg) recorded in the toll-free "
                "number (TFN) registry administered by Somos, Inc.; the Somos RespOrg look-up "
                "(somos.com) names the RespOrg for a number."
            ),
            (
                "Send this notice to that RespOrg's fraud or trouble-reporting desk and ask it "
                "to suspend or disconnect the number."
            ),
            f"Report the number to the US Federal Trade Commission: {FTC_REPORT_URL}",
        ),
    )


def _carrier_route(e164: str, display: str, kind: str, region: str | None) -> NumberRoute:
    steps = [
        (
            "Find the carrier that serves the number now with a number-portability (LNP) or "
            "carrier look-up: numbers move between carriers, so the original allocation may "
            "be out of date. For a VoIP number, that carrier is the VoIP provider (or its "
            "upstream)."
        ),
        "Send this notice to that carrier's abuse or fraud desk and ask it to suspend the number.",
    ]
    if e164.startswith("+1"):
        steps.append(f"Report the number to the US Federal Trade Commission: {FTC_REPORT_URL}")
    else:
        where = region or "the number's country"
        steps.append(f"Report it to the fraud-reporting service of {where}'s regulator or police.")
    return NumberRoute(
        e164=e164,
        display=display,
        kind=kind,
        region=region,
        recipient=f"the carrier serving {display} [carrier: look up via a number-portability "
        f"look-up for {e164}]",
        steps=tuple(steps),
    )
