"""Entries for the host_files module, and what a run changed with how a rollback puts it back."""


def reverse_proxy_file_entries(paths, contents=None, **options):
    """One host_files entry per path: with the content at the same position of `contents` and the
    given options (mode, backup, ...), or absent without contents."""
    if contents is None:
        return [{"path": path, "state": "absent"} for path in paths]
    if len(contents) != len(paths):
        raise ValueError("reverse_proxy_file_entries: %d paths but %d contents" % (len(paths), len(contents)))
    return [dict(options, path=path, content=content) for path, content in zip(paths, contents)]


def _entries(result):
    """Each path a registered result wrote: a host_files result, a community.crypto module's, or
    a loop of either."""
    if isinstance(result, dict) and isinstance(result.get("results"), list):
        for entry in result["results"]:
            yield from _entries(entry)
    elif isinstance(result, dict) and result.get("changed"):
        yield result


def reverse_proxy_templates_of(paths):
    """The role's templates of these files (or of this one file): at the same path under
    templates/, with .j2 appended."""
    if isinstance(paths, str):
        return paths.lstrip("/") + ".j2"
    return [path.lstrip("/") + ".j2" for path in paths]


def reverse_proxy_changed_files(results):
    """The paths the results changed, the last change first (what is in a created directory goes
    before it), each with its backup (if one was kept) and the host_files entry that puts back what
    was there before: the backup's content, the link, or nothing (a created directory goes if empty)."""
    changed = []
    for entry in (entry for result in results for entry in _entries(result)):
        if "previous" in entry:  # ucproxy.nginx.host_files
            path, previous = entry["path"], entry["previous"]
        else:  # community.crypto's modules: a replaced file has a backup
            path = entry.get("filename") or entry.get("dest")
            previous = "file" if entry.get("backup_file") else "absent"
        if previous == "link":
            restore = {"path": path, "state": "link", "src": entry["previous_src"]}
        elif previous == "file" and entry.get("backup_file"):
            restore = {"path": path, "copy_from": entry["backup_file"]}
        elif previous == "absent":
            restore = {"path": path, "state": "absent"}
        else:  # a directory that was there, or a file whose content stayed (only its mode or owner changed)
            restore = None
        # The parent directories the write created came before it, the outermost first.
        changed += [{"path": directory, "restore": {"path": directory, "state": "absent"}}
                    for directory in reversed(entry.get("created_parents") or [])]
        if restore:
            changed.append(dict({"path": path, "restore": restore},
                                **({"backup_file": entry["backup_file"]} if entry.get("backup_file") else {})))
    return list(reversed(changed))


class FilterModule:
    def filters(self):
        return {"reverse_proxy_file_entries": reverse_proxy_file_entries,
                "reverse_proxy_templates_of": reverse_proxy_templates_of,
                "reverse_proxy_changed_files": reverse_proxy_changed_files}
