"""How the access log finds and masks secrets in a query (plugins/module_utils/query_masking.py)."""
from ansible_collections.ucproxy.nginx.plugins.module_utils.query_masking import masking_maps, parameter_pattern


def reverse_proxy_query_masking_maps(names):
    """nginx maps from $args to $ucproxy_masked_args: dicts of source, variable, entries, default."""
    return [dict(stage, entries=[{"pattern": pattern, "value": value} for pattern, value in stage["entries"]])
            for stage in masking_maps(names)]


def reverse_proxy_query_parameter(names):
    """A regular expression for a parameter of `names` in a query, up to its `=`."""
    return parameter_pattern(names)


class FilterModule:
    def filters(self):
        return {"reverse_proxy_query_masking_maps": reverse_proxy_query_masking_maps,
                "reverse_proxy_query_parameter": reverse_proxy_query_parameter}
