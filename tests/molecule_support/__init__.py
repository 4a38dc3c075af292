"""What the molecule scenarios' testinfra suites share, by job:

- scenario: facts of the scenario under test (inventory, hosts, recorded addresses, server names,
  test CA), read from molecule's environment when asked;
- host_paths: where the role puts things on a proxy, one table;
- ansible_runs: running the converge, another playbook or one module as molecule does;
- scenario_state: the state a test module starts from, converged back only where it differs;
- clients: curl, openssl, WebSocket, login, poller and many-WebSocket clients in a client container;
- pki: certificates and keys the tests make themselves;
- waiting: bounded waits;
- fixtures: the shared pytest fixtures (molecule/conftest.py loads them).

tests/ is on sys.path (molecule/conftest.py puts it there), so test modules import
`molecule_support.<module>`.
"""
