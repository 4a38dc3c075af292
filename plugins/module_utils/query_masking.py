# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The query parameters whose values the access log masks, found as a server may read them in the
query nginx holds undecoded ($args): a parameter begins at the start or after `&` or `;` (some
servers split on both), its name in any letter case and with any character percent-encoded
(`p%61ss` is `pass` once decoded). A masked value runs to the next `&`, so a `;` inside a secret
never leaves part of it in the log. nginx masks with a chain of maps, one parameter per map
(regular expressions replace one match); a query with more masked parameters than maps is
withheld whole. The patterns are PCRE, matched case-insensitively (`~*`)."""
from __future__ import annotations

import re

STAGES = 8
MASK = "***"
WITHHELD = "(withheld)"
_UNMASKED = r"(?!\*\*\*(?:&|$))"


def _character(char):
    """The character itself or percent-encoded (either letter case: the name matches in any)."""
    codes = sorted({f"%{ord(char.lower()):02x}", f"%{ord(char.upper()):02x}"})
    return "(?:" + "|".join([re.escape(char)] + codes) + ")"


def names_pattern(names):
    """Any of `names`, as written or percent-encoded."""
    return "|".join("".join(map(_character, name)) for name in names)


def parameter_pattern(names):
    """A parameter of `names` anywhere in a query, up to its `=`."""
    return f"(?:^|[&;])(?:{names_pattern(names)})="


def masking_maps(names, source="$args", target="$ucproxy_masked_args"):
    """nginx maps, in order, from `source` to `target`: each a dict of source, variable, entries
    ((pattern, value) pairs) and default."""
    maps, current = [], source
    mask = rf"^(?<head>(?:.*[&;])?(?:{names_pattern(names)})=){_UNMASKED}[^&]*(?<tail>.*)$"
    for stage in range(1, STAGES + 1):
        variable = f"$ucproxy_args_{stage}"
        maps.append({"source": current, "variable": variable,
                     "entries": [(mask, "${head}" + MASK + "${tail}")], "default": current})
        current = variable
    maps.append({"source": current, "variable": target,
                 "entries": [(parameter_pattern(names) + _UNMASKED, WITHHELD)], "default": current})
    return maps
