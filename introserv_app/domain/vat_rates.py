"""Standard VAT rates of the EU member states, with the date each took effect and its source.

(country, effective_from, percent, source). A rate applies from its date until the next entry of the
same country. The baseline entries are the rates in force on 2015-01-01 (invoices before that date are
not issued by this panel). Sources:

- EC: European Commission, DG TAXUD, "VAT rates applied in the Member States of the European Union",
  situation at 1 January 2025 (taxation-customs.ec.europa.eu, vat_rates_en.pdf), which lists every
  standard rate in force on 2025-01-01.
- National acts for each change since 2015, named on the entry.

The Orders document's table predates several of these changes and leaves Slovenia blank; this table
supersedes it. Non-EU countries (the USA, the UK since 2021, "Other") have no entry: 0 % (domain.vat).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

EC_2025 = "EC DG TAXUD, VAT rates applied in the Member States, situation at 1 January 2025"

RATES: tuple[tuple[str, date, Decimal, str], ...] = (
    ("AT", date(2015, 1, 1), Decimal("20"), EC_2025),
    ("BE", date(2015, 1, 1), Decimal("21"), EC_2025),
    ("BG", date(2015, 1, 1), Decimal("20"), EC_2025),
    ("CY", date(2015, 1, 1), Decimal("19"), EC_2025),
    ("CZ", date(2015, 1, 1), Decimal("21"), EC_2025),
    ("DE", date(2015, 1, 1), Decimal("19"), EC_2025),
    ("DE", date(2020, 7, 1), Decimal("16"), "Zweites Corona-Steuerhilfegesetz, BGBl. I 2020 S. 1512 (temporary)"),
    ("DE", date(2021, 1, 1), Decimal("19"), "Zweites Corona-Steuerhilfegesetz: the temporary rate ended 2020-12-31"),
    ("DK", date(2015, 1, 1), Decimal("25"), EC_2025),
    ("EE", date(2015, 1, 1), Decimal("20"), "Käibemaksuseadus (Estonian VAT Act) § 15, Riigi Teataja"),
    ("EE", date(2024, 1, 1), Decimal("22"), "Käibemaksuseadus § 15 as amended in 2022 (Riigi Teataja); " + EC_2025),
    (
        "EE",
        date(2025, 7, 1),
        Decimal("24"),
        "Käibemaksuseadus § 15 as amended in 2024 (Riigi Teataja), emta.ee",
    ),
    ("ES", date(2015, 1, 1), Decimal("21"), EC_2025),
    ("FI", date(2015, 1, 1), Decimal("24"), "Arvonlisäverolaki 1501/1993 § 84 (24 % since 2013-01-01), Finlex"),
    (
        "FI",
        date(2024, 9, 1),
        Decimal("25.5"),
        "Arvonlisäverolaki § 84 as amended in 2024, vero.fi; " + EC_2025,
    ),
    ("FR", date(2015, 1, 1), Decimal("20"), EC_2025),
    ("GR", date(2015, 1, 1), Decimal("23"), "Κώδικας ΦΠΑ, ν. 2859/2000, art. 21 (23 % since 2010-07-01)"),
    ("GR", date(2016, 6, 1), Decimal("24"), "Law 4389/2016, art. 54; " + EC_2025),
    ("HR", date(2015, 1, 1), Decimal("25"), EC_2025),
    ("HU", date(2015, 1, 1), Decimal("27"), EC_2025),
    ("IE", date(2015, 1, 1), Decimal("23"), EC_2025),
    ("IE", date(2020, 9, 1), Decimal("21"), "Finance (COVID-19 and Miscellaneous Provisions) Act 2020 (temporary)"),
    ("IE", date(2021, 3, 1), Decimal("23"), "Finance Act 2020: the temporary rate ended 2021-02-28"),
    ("IT", date(2015, 1, 1), Decimal("22"), EC_2025),
    ("LT", date(2015, 1, 1), Decimal("21"), EC_2025),
    ("LU", date(2015, 1, 1), Decimal("17"), "Loi du 19 décembre 2014 (17 % from 2015-01-01)"),
    ("LU", date(2023, 1, 1), Decimal("16"), "Loi du 26 octobre 2022 (temporary 16 % for 2023)"),
    ("LU", date(2024, 1, 1), Decimal("17"), "Loi du 26 octobre 2022: the temporary rate ended 2023-12-31; " + EC_2025),
    ("LV", date(2015, 1, 1), Decimal("21"), EC_2025),
    ("MT", date(2015, 1, 1), Decimal("18"), EC_2025),
    ("NL", date(2015, 1, 1), Decimal("21"), EC_2025),
    ("PL", date(2015, 1, 1), Decimal("23"), EC_2025),
    ("PT", date(2015, 1, 1), Decimal("23"), EC_2025),
    ("RO", date(2015, 1, 1), Decimal("24"), "Codul fiscal, Legea 571/2003 (24 % until 2015-12-31)"),
    ("RO", date(2016, 1, 1), Decimal("20"), "Legea 227/2015 (Codul fiscal), art. 291"),
    ("RO", date(2017, 1, 1), Decimal("19"), "Legea 227/2015, art. 291, as amended; " + EC_2025),
    ("RO", date(2025, 8, 1), Decimal("21"), "Legea 141/2025 privind unele măsuri fiscal-bugetare, art. I"),
    ("SE", date(2015, 1, 1), Decimal("25"), EC_2025),
    ("SI", date(2015, 1, 1), Decimal("22"), EC_2025),
    ("SK", date(2015, 1, 1), Decimal("20"), "Zákon 222/2004 Z. z. o DPH, § 27"),
    ("SK", date(2025, 1, 1), Decimal("23"), "Zákon 278/2024 Z. z. (konsolidačný balíček); " + EC_2025),
)

#: The 27 member states (ISO 3166 alpha-2; Greece is "GR" here, "EL" in VAT numbers).
EU_COUNTRIES: frozenset[str] = frozenset(country for country, *_ in RATES)
