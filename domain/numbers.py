"""Numbers as Vietnamese readers write them: dots between thousands, a comma before decimals.
Shared by the screens (counter/charts.py, the templates' filters) and the printed reports."""


def vn_number(value: float | None, decimals: int = 0) -> str:
    """1234.5 → "1.234,5": dots between thousands, a comma before decimals (Vietnamese usage)."""
    if value is None:
        return "–"
    text = f"{value:,.{decimals}f}"
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


def vn_figure(value: float | None) -> str:
    """A count or a score: whole numbers plainly, others with one decimal ("12", "17,5")."""
    if value is None:
        return "–"
    return vn_number(value, 0 if float(value).is_integer() else 1)


def vn_percent(share: float | None, decimals: int = 1) -> str:
    """0.875 → "87,5 %"; whole numbers drop their ",0" (100 %, not 100,0 %)."""
    if share is None:
        return "–"
    percent = round(share * 100, decimals)
    return f"{vn_number(percent, decimals if percent != int(percent) else 0)} %"


def vn_minutes(minutes: float | None) -> str:
    """Minutes with one decimal below ten ("4,5"), whole above ("27")."""
    if minutes is None:
        return "–"
    return vn_number(minutes, 1 if minutes < 10 and minutes != int(minutes) else 0)
