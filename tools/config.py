#!/usr/bin/env python3
"""config(8) for this kernel: turn a kernel configuration file into the
generated headers and source list that the build uses.

    config.py CONFFILE BUILDDIR
    config.py --selftest     check that bad option values are refused

Configuration syntax (as FreeBSD's):
    include FILE             read FILE (relative to this file's directory)
    ident NAME               the kernel's name
    machine amd64            accepted
    cpu HAMMER               accepted
    options NAME[=VALUE][, NAME[=VALUE]...]
    nooptions NAME[, NAME...]
    makeoptions NAME=VALUE   passed to make
Every option must be listed in sys/conf/options ("NAME [header.h] [KIND]");
an unknown one is an error naming file, line and option.  KIND says what
value the option takes: "flag" (the default: none), "int:MIN..MAX" (a
decimal integer in that range, required) or "string" (any value,
required); a value of the wrong kind or out of range is an error naming
file, line, option and the valid range.  For every header
named there, BUILDDIR/opt_*.h is written with a #define per option set.
sys/conf/files lists sources ("path standard" or "path optional opt ...",
where "!opt" means opt must be unset; paths may be globs); BUILDDIR/files.mk gets the selected ones.  Files are
only rewritten when their contents change, so make rebuilds only what
depends on a changed option.
"""
import glob
import os
import re
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class ConfigError(Exception):
    pass


def strip_comment(line):
    return line.split('#', 1)[0].strip()


class Kind:
    """What value an option takes (the third word of its options line)."""

    def __init__(self, spec, where):
        self.spec = spec
        self.lo = self.hi = None
        m = re.match(r'^int:(-?\d+)\.\.(-?\d+)$', spec)
        if m:
            self.kind = 'int'
            self.lo, self.hi = int(m.group(1)), int(m.group(2))
            if self.lo > self.hi:
                raise ConfigError('%s: empty range %s' % (where, spec))
        elif spec in ('flag', 'string'):
            self.kind = spec
        else:
            raise ConfigError('%s: unknown option kind "%s" (flag, string '
                              'or int:MIN..MAX)' % (where, spec))

    def describe(self):
        if self.kind == 'int':
            return 'an integer in %d..%d' % (self.lo, self.hi)
        return 'a string' if self.kind == 'string' else 'no value'

    def check(self, name, value, where):
        """The value to #define, or ConfigError naming what is valid."""
        if self.kind == 'flag':
            if value is not None:
                raise ConfigError('%s: option %s takes no value, got "%s"'
                                  % (where, name, value))
            return None
        if value is None or value == '':
            raise ConfigError('%s: option %s needs a value: %s'
                              % (where, name, self.describe()))
        if self.kind == 'int':
            if not re.match(r'^-?\d+$', value):
                raise ConfigError('%s: option %s: "%s" is not an integer; '
                                  'valid: %s' % (where, name, value,
                                                 self.describe()))
            if not self.lo <= int(value) <= self.hi:
                raise ConfigError('%s: option %s: %s is out of range; '
                                  'valid: %s' % (where, name, value,
                                                 self.describe()))
            return str(int(value))
        return value


def read_options_list(path):
    """NAME -> (header, Kind), from sys/conf/options."""
    known = {}
    with open(path) as f:
        for lineno, raw in enumerate(f, 1):
            line = strip_comment(raw)
            if not line:
                continue
            where = '%s:%d' % (os.path.relpath(path, TOP), lineno)
            words = line.split()
            if len(words) > 3:
                raise ConfigError('%s: expected NAME [header] [kind]' % where)
            name = words[0]
            header = words[1] if len(words) > 1 else 'opt_%s.h' % name.lower()
            kind = Kind(words[2] if len(words) > 2 else 'flag', where)
            known[name] = (header, kind)
    return known


def parse_config(path, known, state, depth=0):
    if depth > 10:
        raise ConfigError('%s: include nesting too deep' % path)
    try:
        f = open(path)
    except OSError as e:
        raise ConfigError('%s: %s' % (path, e.strerror))
    with f:
        for lineno, raw in enumerate(f, 1):
            line = strip_comment(raw)
            if not line:
                continue
            where = '%s:%d' % (os.path.relpath(path, TOP), lineno)
            m = re.match(r'(\S+)\s*(.*)$', line)
            word, rest = m.group(1), m.group(2).strip()
            if word == 'include':
                if not rest:
                    raise ConfigError('%s: include needs a file' % where)
                inc = os.path.join(os.path.dirname(path), rest.strip('"'))
                parse_config(inc, known, state, depth + 1)
            elif word == 'ident':
                if not rest:
                    raise ConfigError('%s: ident needs a name' % where)
                state['ident'] = rest
            elif word in ('machine', 'cpu', 'maxusers'):
                pass
            elif word in ('options', 'nooptions'):
                items = [i.strip() for i in rest.split(',') if i.strip()]
                if not items:
                    raise ConfigError('%s: %s needs a name' % (where, word))
                for item in items:
                    name, eq, value = item.partition('=')
                    name = name.strip()
                    if name not in known:
                        raise ConfigError('%s: unknown option "%s"'
                                          % (where, name))
                    if word == 'options':
                        value = value.strip().strip('"') if eq else None
                        state['options'][name] = known[name][1].check(
                            name, value, where)
                    elif eq:
                        raise ConfigError('%s: nooptions %s takes no value'
                                          % (where, name))
                    else:
                        state['options'].pop(name, None)
            elif word == 'makeoptions':
                name, eq, value = rest.partition('=')
                if not eq:
                    raise ConfigError('%s: makeoptions needs NAME=VALUE'
                                      % where)
                state['makeoptions'][name.strip()] = value.strip()
            else:
                raise ConfigError('%s: unknown directive "%s"' % (where, word))


def select_files(path, options):
    enabled = {o.lower() for o in options}
    srcs = []
    with open(path) as f:
        for lineno, raw in enumerate(f, 1):
            line = strip_comment(raw)
            if not line:
                continue
            words = line.split()
            where = '%s:%d' % (os.path.relpath(path, TOP), lineno)
            if len(words) < 2 or words[1] not in ('standard', 'optional'):
                raise ConfigError('%s: expected "path standard" or '
                                  '"path optional option..."' % where)
            if words[1] == 'optional':
                if len(words) < 3:
                    raise ConfigError('%s: optional needs an option' % where)
                if not all((w[1:].lower() not in enabled) if w[0] == '!'
                           else (w.lower() in enabled) for w in words[2:]):
                    continue
            matches = sorted(glob.glob(os.path.join(TOP, words[0])))
            if not matches and not any(c in words[0] for c in '*?['):
                raise ConfigError('%s: no such file %s' % (where, words[0]))
            for m in matches:
                rel = os.path.relpath(m, TOP)
                if rel not in srcs:
                    srcs.append(rel)
    return srcs


def write_if_changed(path, text):
    try:
        with open(path) as f:
            if f.read() == text:
                return
    except OSError:
        pass
    with open(path, 'w') as f:
        f.write(text)


def selftest():
    """Bad option values must be refused with file, line and range."""
    import tempfile
    known = read_options_list(os.path.join(TOP, 'sys/conf/options'))
    cases = [
        ('options MAXCPU=0', r':3: option MAXCPU: 0 is out of range; '
         r'valid: an integer in 1\.\.255$'),
        ('options MAXCPU=256', r':3: option MAXCPU: 256 is out of range'),
        ('options MAXCPU=abc', r':3: option MAXCPU: "abc" is not an '
         r'integer; valid: an integer in 1\.\.255$'),
        ('options MAXCPU=0x4', r'"0x4" is not an integer'),
        ('options MAXCPU', r':3: option MAXCPU needs a value: an integer '
         r'in 1\.\.255$'),
        ('options MAXCPU=', r'option MAXCPU needs a value'),
        ('options INVARIANTS=1', r':3: option INVARIANTS takes no value, '
         r'got "1"$'),
        ('nooptions MAXCPU=4', r':3: nooptions MAXCPU takes no value$'),
        ('options NOSUCH', r':3: unknown option "NOSUCH"$'),
        ('options MAXCPU=1', None),
        ('options MAXCPU=255, SMP', None),
    ]
    failed = 0
    with tempfile.TemporaryDirectory() as d:
        conf = os.path.join(d, 'CONF')
        for line, want in cases:
            with open(conf, 'w') as f:
                f.write('ident\tCONF\n#\n%s\n' % line)
            state = {'ident': None, 'options': {}, 'makeoptions': {}}
            try:
                parse_config(conf, known, state)
                err = None
            except ConfigError as e:
                err = str(e)
            if want is None:
                ok = err is None
            else:
                ok = err is not None and err.startswith(
                    os.path.relpath(conf, TOP)) and re.search(want, err)
            print('%-5s config: %-26s %s' % ('PASS' if ok else 'FAIL', line,
                                             err or 'accepted'))
            failed += not ok
    try:
        Kind('int:5..1', 'x')
        print('FAIL  config: an empty range is refused')
        failed += 1
    except ConfigError:
        print('PASS  config: an empty range is refused')
    print('%d passed, %d failed' % (len(cases) + 1 - failed, failed))
    return 1 if failed else 0


def main(argv):
    if argv[1:] == ['--selftest']:
        return selftest()
    if len(argv) != 3:
        sys.stderr.write('usage: config.py CONFFILE BUILDDIR\n')
        return 2
    conffile, builddir = argv[1], argv[2]
    state = {'ident': None, 'options': {}, 'makeoptions': {}}
    try:
        known = read_options_list(os.path.join(TOP, 'sys/conf/options'))
        parse_config(conffile, known, state)
        if state['ident'] is None:
            raise ConfigError('%s: no ident line' % conffile)
        srcs = select_files(os.path.join(TOP, 'sys/conf/files'),
                            state['options'])
    except ConfigError as e:
        sys.stderr.write('config: %s\n' % e)
        return 1

    os.makedirs(os.path.join(builddir, 'include'), exist_ok=True)
    headers = {}
    for name, (header, kind) in known.items():
        headers.setdefault(header, [])
    for name, value in sorted(state['options'].items()):
        headers[known[name][0]].append('#define\t%s\t%s\n'
                                    % (name, value if value else '1'))
    for header, lines in headers.items():
        write_if_changed(os.path.join(builddir, header),
                         '/* Generated by tools/config.py. */\n' +
                         ''.join(lines))
    link = os.path.join(builddir, 'include', 'machine')
    target = os.path.join(TOP, 'sys/amd64/include')
    if not os.path.islink(link) or os.readlink(link) != target:
        if os.path.lexists(link):
            os.unlink(link)
        os.symlink(target, link)
    mk = ['# Generated by tools/config.py from %s.\n' % conffile,
          'IDENT=\t%s\n' % state['ident'],
          'OPTIONS=\t%s\n' % ' '.join(sorted(state['options'])),
          'SRCS=\t%s\n' % ' \\\n\t'.join(srcs)]
    for name, value in sorted(state['makeoptions'].items()):
        mk.append('%s=\t%s\n' % (name, value))
    write_if_changed(os.path.join(builddir, 'files.mk'), ''.join(mk))
    write_if_changed(os.path.join(builddir, 'ident.h'),
                     '#define\tKERN_IDENT\t"%s"\n' % state['ident'])
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
