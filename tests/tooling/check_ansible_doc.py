# Copyright: Contributors to the alibabacloud.apsaramq collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Check that ``ansible-doc`` renders every option and return value of every module.

Usage: check_ansible_doc.py NAMESPACE.NAME MODULE...

For each module, ``ansible-doc --json`` gives the documented options (with suboptions) and
return values (with ``contains``); the text that users read (``ansible-doc MODULE``) must show
each of them, in the order ansible-doc renders them (sorted, parents before children), each with
its documented type, and it must show the EXAMPLES. A documentation error that makes
ansible-doc drop or garble an entry therefore fails, which validate-modules does not catch.
"""

import json
import os
import re
import subprocess
import sys


def ansible_doc(*args):
    env = dict(os.environ, ANSIBLE_NOCOLOR='1', ANSIBLE_FORCE_COLOR='0', COLUMNS='100')
    return subprocess.run(['ansible-doc', '-t', 'module', *args], env=env, check=True,
                          capture_output=True, text=True).stdout


def entries(spec, children_key, prefix=''):
    """Yield (dotted name, name, type) for every entry, depth first, sorted as ansible-doc sorts."""
    for name in sorted(spec or {}):
        entry = spec[name]
        yield prefix + name, name, entry.get('type', 'str')
        yield from entries(entry.get(children_key), children_key, prefix + name + '.')


def section(text, title, following):
    """The text from the heading line TITLE to the next heading of FOLLOWING, or None."""
    def heading(name, start=0):
        match = re.compile(r'^' + re.escape(name) + r'\b.*$', re.MULTILINE).search(text, start)
        return match.start() if match else None

    start = heading(title)
    if start is None:
        return None
    ends = [end for end in (heading(other, start + 1) for other in following) if end is not None]
    return text[start:min(ends, default=len(text))]


def check_entries(section_text, spec, children_key, what):
    """Find each entry's name line, then its own ``type:`` line, searching forward in order."""
    problems = []
    lines = section_text.splitlines()
    position = 0
    for dotted, name, doc_type in entries(spec, children_key):
        name_line = re.compile(r'^\s*(?:[-=] )?' + re.escape(name) + r'(?:\s|$)')
        found = next((i for i in range(position, len(lines)) if name_line.match(lines[i])), None)
        if found is None:
            problems.append(f'{what} {dotted} is not rendered (or not in ansible-doc order)')
            continue
        type_line = next((i for i in range(found + 1, len(lines)) if lines[i].strip().startswith('type:')), None)
        if type_line is None or lines[type_line].strip() != f'type: {doc_type}':
            problems.append(f'{what} {dotted} is rendered without its type {doc_type}')
        position = found + 1
    return problems


def check_module(fqcn):
    doc = json.loads(ansible_doc('--json', fqcn))[fqcn]
    text = ansible_doc(fqcn)
    problems = []
    titles = ('OPTIONS', 'ATTRIBUTES', 'NOTES', 'SEE ALSO', 'REQUIREMENTS', 'AUTHOR', 'EXAMPLES', 'RETURN VALUES')
    for title, spec, children_key, what in (
        ('OPTIONS', doc['doc'].get('options'), 'suboptions', 'option'),
        ('RETURN VALUES', doc.get('return'), 'contains', 'return value'),
    ):
        if not spec:
            problems.append(f'documents no {what}s')
            continue
        rendered = section(text, title, titles[titles.index(title) + 1:])
        if rendered is None:
            problems.append(f'has no {title} section in ansible-doc')
            continue
        problems.extend(check_entries(rendered, spec, children_key, what))
    examples = section(text, 'EXAMPLES', ['RETURN VALUES'])
    example_tasks = re.findall(r'^\s*- name: (.+)$', doc.get('examples') or '', re.MULTILINE)
    if not example_tasks:
        problems.append('has no example tasks')
    for task in example_tasks:
        if examples is None or task.strip() not in examples:
            problems.append(f'example task "{task.strip()}" is not rendered')
    count = len(list(entries(doc['doc'].get('options'), 'suboptions'))) + len(list(entries(doc.get('return'), 'contains')))
    return problems, count


def main():
    if len(sys.argv) < 3:
        sys.exit(f'usage: {sys.argv[0]} NAMESPACE.NAME MODULE...')
    failed = False
    for module in sys.argv[2:]:
        fqcn = f'{sys.argv[1]}.{module}'
        problems, count = check_module(fqcn)
        for problem in problems:
            print(f'ansible-doc {fqcn}: {problem}', file=sys.stderr)
        if problems:
            failed = True
        else:
            print(f'ansible-doc {fqcn}: {count} options and return values rendered with their types, examples rendered')
    sys.exit(1 if failed else 0)


if __name__ == '__main__':
    main()
