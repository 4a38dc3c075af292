# -*- coding: utf-8 -*-
# Copyright: ucproxy.nginx developers
# MIT License (see LICENSE)
"""The files, links and directories the reverse_proxy role manages, brought to their state in one
module call, with what each was before (so that a failed change can be put back)."""

from __future__ import annotations

DOCUMENTATION = r"""
module: host_files
short_description: Puts files, links and directories in place in one call and says what each was before
version_added: 1.6.0
description:
  - Brings each entry of O(files) to its state, in order. A file is written only when its content,
    mode or owner differs, atomically (a temporary file in the same directory, then renamed); missing
    parent directories are created (root, C(0755)).
  - Each result says what the path was before (C(previous), C(previous_src) of a link, and the
    C(backup_file) of a replaced file with O(files[].backup)) and which parent directories it created,
    which is what a rollback needs to put it back.
  - "With O(pending_marker), the marker file is created before the first change (and when O(pending) is
    true even if nothing changes), and reported first among the results. A run interrupted after this
    call leaves it, so the next run knows the files on disk are not the ones the service runs. Removing
    it is the caller's job."
  - Supports check mode and diff mode; a file given as O(files[].secret_content) never shows in a diff
    or in the module's arguments; the host's journal gets the paths of a call, never a content.
options:
  files:
    description: The paths and their states.
    type: list
    elements: dict
    required: true
    suboptions:
      path:
        description: Absolute path.
        type: path
        required: true
      state:
        description: What the path is to be; C(absent) removes a directory only when it is empty.
        type: str
        choices: [file, link, directory, absent]
        default: file
      content:
        description: Content of a file (text).
        type: str
      secret_content:
        description: Content of a file that must never be shown (a private key).
        type: str
      copy_from:
        description: A file on the host whose content (and mode) the file gets, to restore a backup.
        type: path
      src:
        description: Target of a link.
        type: str
      mode:
        description: Mode of a file (default C(0644), a copy's the source's) or of a directory (default C(0755)).
        type: str
      owner:
        description: Owner.
        type: str
        default: root
      group:
        description: Group.
        type: str
        default: root
      backup:
        description: Keep a copy of a file that is replaced or removed.
        type: bool
        default: false
      force:
        description: Replace a file whose content differs; false only creates a missing one.
        type: bool
        default: true
  pending_marker:
    description: A file created before the first change.
    type: path
  pending:
    description: Create O(pending_marker) even if no entry changes (a change follows this call).
    type: bool
    default: false
author:
  - ucproxy.nginx developers (@ucproxy)
"""

EXAMPLES = r"""
- name: Site file and link are in place
  ucproxy.nginx.host_files:
    files:
      - path: /etc/nginx/sites-available/reverseproxy
        content: "{{ lookup('ansible.builtin.template', 'reverseproxy.j2') }}"
        backup: true
      - path: /etc/nginx/sites-enabled/reverseproxy
        state: link
        src: /etc/nginx/sites-available/reverseproxy
      - path: /etc/nginx/sites-enabled/default
        state: absent
"""

RETURN = r"""
results:
  description: One entry per path, in order (after the O(pending_marker) this call created).
  returned: always
  type: list
  elements: dict
  contains:
    path:
      description: The path.
      type: str
    state:
      description: The state asked for.
      type: str
    changed:
      description: Whether it changed (or would, in check mode).
      type: bool
    previous:
      description: What it was before, C(absent), C(file), C(link) or C(directory).
      type: str
    previous_src:
      description: The target of the link it was before.
      type: str
    backup_file:
      description: The copy of the file it replaced or removed (with O(files[].backup)).
      type: str
    created_parents:
      description: Parent directories it created, innermost first.
      type: list
      elements: str
"""

import grp
import os
import pwd
import stat
import tempfile

from ansible.module_utils.basic import AnsibleModule


def _kind(path):
    if os.path.islink(path):
        return "link"
    if os.path.isdir(path):
        return "directory"
    return "file" if os.path.lexists(path) else "absent"


def _ids(entry):
    return pwd.getpwnam(entry["owner"]).pw_uid, grp.getgrnam(entry["group"]).gr_gid


def _read(path):
    with open(path, "rb") as existing:
        return existing.read()


def _wanted(entry):
    """(content in bytes, mode) of a file entry."""
    if entry["copy_from"]:
        return _read(entry["copy_from"]), entry["mode"] or "%04o" % stat.S_IMODE(os.stat(entry["copy_from"]).st_mode)
    text = entry["secret_content"] if entry["secret_content"] is not None else entry["content"]
    return (text or "").encode("utf-8"), entry["mode"] or "0644"


def _attributes_differ(path, mode, uid, gid):
    status = os.lstat(path)
    return stat.S_IMODE(status.st_mode) != int(mode, 8) or (status.st_uid, status.st_gid) != (uid, gid)


def _plan(entry):
    """Whether the entry changes anything, and what the path is now."""
    path, state, previous = entry["path"], entry["state"], _kind(entry["path"])
    if state == "absent":
        # A directory goes only when it is empty (a rollback removes what a run created, inside first).
        return previous != "absent" and not (previous == "directory" and os.listdir(path)), previous
    if state == "link":
        return not (previous == "link" and os.readlink(path) == entry["src"]), previous
    uid, gid = _ids(entry)
    if state == "directory":
        return previous != "directory" or _attributes_differ(path, entry["mode"] or "0755", uid, gid), previous
    if previous != "file":
        return True, previous
    content, mode = _wanted(entry)
    if not entry["force"]:
        return False, previous
    return _read(path) != content or _attributes_differ(path, mode, uid, gid), previous


def _parents(path):
    """Creates the missing parent directories of path; the ones it created, innermost first."""
    created, parent = [], os.path.dirname(path)
    while not os.path.isdir(parent):
        created.append(parent)
        parent = os.path.dirname(parent)
    for directory in reversed(created):
        os.mkdir(directory, 0o755)
    return created


def _replace_with_file(path, content, mode, uid, gid):
    handle, temporary = tempfile.mkstemp(prefix=".%s." % os.path.basename(path), dir=os.path.dirname(path))
    try:
        os.fchmod(handle, int(mode, 8))
        os.fchown(handle, uid, gid)
        os.write(handle, content)
        os.fsync(handle)
        os.close(handle)
        os.rename(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def _apply(module, entry, previous, result):
    path, state = entry["path"], entry["state"]
    replaced = previous == "file" and (state != "file" or _read(path) != _wanted(entry)[0])
    if replaced and entry["backup"]:
        result["backup_file"] = module.backup_local(path)
    if state != "absent":
        result["created_parents"] = _parents(path)
    if state == "absent":
        if previous == "directory":
            os.rmdir(path)
        else:
            os.unlink(path)
    elif state == "link":
        temporary = "%s.%d.tmp-link" % (path, os.getpid())
        os.symlink(entry["src"], temporary)
        os.rename(temporary, path)
    elif state == "directory":
        uid, gid = _ids(entry)
        if previous not in ("directory", "absent"):
            os.unlink(path)
        if previous != "directory":
            os.mkdir(path, int(entry["mode"] or "0755", 8))
        os.chmod(path, int(entry["mode"] or "0755", 8))
        os.chown(path, uid, gid)
    else:
        content, mode = _wanted(entry)
        uid, gid = _ids(entry)
        if previous == "file" and _read(path) == content:
            os.chmod(path, int(mode, 8))
            os.chown(path, uid, gid)
        else:
            _replace_with_file(path, content, mode, uid, gid)


def _diff(entry, previous):
    """What a diff shows of an entry: a file's text (never a secret's, and never a restored backup's,
    which may be a private key), else its kind and target."""
    path = entry["path"]
    shown = entry["secret_content"] is None and not entry["copy_from"]
    if entry["state"] == "file" and shown and previous in ("file", "absent"):
        before = _read(path).decode("utf-8", "replace") if previous == "file" else ""
        return {"before_header": path, "after_header": path, "before": before,
                "after": _wanted(entry)[0].decode("utf-8", "replace")}
    before = {"state": previous}
    if previous == "link":
        before["src"] = os.readlink(path)
    after = {"state": entry["state"]}
    if entry["state"] == "link":
        after["src"] = entry["src"]
    if entry["copy_from"]:
        after["restored_from"] = entry["copy_from"]
    return {"before_header": path, "after_header": path, "before": before, "after": after}


class HostFilesModule(AnsibleModule):
    """Logs its call to the host's journal by the paths alone. Ansible's own "Invoked with" line
    masks a no_log suboption only where it appears verbatim, and the text form of the file list
    escapes the line breaks of a key: the key would be logged."""

    def _log_invocation(self):
        paths = ["%s (%s)" % (entry["path"], entry["state"]) for entry in self.params["files"]]
        self.log("Invoked with files=%s" % ", ".join(paths))


def main():
    module = HostFilesModule(
        argument_spec=dict(
            files=dict(type="list", elements="dict", required=True, options=dict(
                path=dict(type="path", required=True),
                state=dict(type="str", choices=["file", "link", "directory", "absent"], default="file"),
                content=dict(type="str"),
                secret_content=dict(type="str", no_log=True),
                copy_from=dict(type="path"),
                src=dict(type="str"),
                mode=dict(type="str"),
                owner=dict(type="str", default="root"),
                group=dict(type="str", default="root"),
                backup=dict(type="bool", default=False),
                force=dict(type="bool", default=True),
            ), mutually_exclusive=[("content", "secret_content", "copy_from")],
                required_if=[("state", "link", ("src",))]),
            pending_marker=dict(type="path"),
            pending=dict(type="bool", default=False),
        ),
        supports_check_mode=True,
    )
    entries = module.params["files"]
    results, diffs = [], []
    marker = module.params["pending_marker"]
    entry = {}  # the one the error names
    try:
        if not module.check_mode and marker and not os.path.lexists(marker):
            due = module.params["pending"]
            for entry in entries:
                due = due or _plan(entry)[0]
            if due:
                entry = {"path": marker}
                # Reported like any file it creates, so that a rollback removes it (and its directory) too.
                results.append({"path": marker, "state": "file", "changed": True, "previous": "absent",
                                "created_parents": _parents(marker)})
                open(marker, "a", encoding="ascii").close()
        for entry in entries:
            # As the path is now: an earlier entry may have emptied a directory this one removes.
            changed, previous = _plan(entry)
            result = {"path": entry["path"], "state": entry["state"], "changed": changed, "previous": previous}
            if previous == "link":
                result["previous_src"] = os.readlink(entry["path"])
            if changed and module._diff:
                diffs.append(_diff(entry, previous))
            if changed and not module.check_mode:
                # Reported before it is written: a write that fails halfway is put back as well.
                results.append(result)
                _apply(module, entry, previous, result)
            else:
                results.append(result)
    except (OSError, KeyError) as error:
        # What was written so far, so that a rollback can put it back.
        module.fail_json(msg="%s: %s" % (entry["path"], error), results=results)
    module.exit_json(changed=any(result["changed"] for result in results), results=results, diff=diffs)


if __name__ == "__main__":
    main()
