#!/usr/bin/env python3
"""Extract the function symbols of a linked kernel into an assembler file
that defines the .ksyms section used for symbolized backtraces.

    mksymtab.py KERNEL OUTPUT.S

Layout of .ksyms (all little-endian):
    uint64 count
    count x { uint64 address; uint32 size; uint32 name_offset }   sorted
    the names, NUL-terminated, name_offset from the start of this table
"""
import struct
import sys


def symbols(path):
    with open(path, 'rb') as f:
        data = f.read()
    if data[:4] != b'\x7fELF' or data[4] != 2:
        raise SystemExit('%s: not an ELF64 file' % path)
    shoff, = struct.unpack_from('<Q', data, 0x28)
    shentsize, shnum = struct.unpack_from('<HH', data, 0x3a)
    sections = []
    for i in range(shnum):
        sections.append(struct.unpack_from('<IIQQQQIIQQ', data,
                                           shoff + i * shentsize))
    for sec in sections:
        if sec[1] != 2:         # SHT_SYMTAB
            continue
        strtab = sections[sec[6]]
        off, size, entsize = sec[4], sec[5], sec[9]
        for j in range(size // entsize):
            name, info, other, shndx, value, symsize = struct.unpack_from(
                '<IBBHQQ', data, off + j * entsize)
            # Functions, and untyped labels in code (assembler entry
            # points such as alltraps); defined, not absolute.
            kind = info & 0xf
            if shndx == 0 or shndx >= 0xff00:
                continue
            if kind != 2 and not (kind == 0 and
                                  sections[shndx][2] & 0x4):  # SHF_EXECINSTR
                continue
            start = strtab[4] + name
            end = data.index(b'\0', start)
            yield value, symsize, data[start:end].decode('ascii', 'replace')


def main():
    if len(sys.argv) != 3:
        raise SystemExit('usage: mksymtab.py KERNEL OUTPUT.S')
    syms = sorted(set(symbols(sys.argv[1])))
    names = bytearray()
    offsets = []
    for _, _, name in syms:
        offsets.append(len(names))
        names += name.encode() + b'\0'
    base = 8 + 16 * len(syms)
    out = ['\t.section .ksyms, "a", @progbits\n', '\t.p2align 3\n',
           '\t.quad %d\n' % len(syms)]
    for (addr, size, _), noff in zip(syms, offsets):
        out.append('\t.quad %#x\n\t.long %d, %d\n' % (addr, size,
                                                       base + noff))
    for i in range(0, len(names), 32):
        out.append('\t.byte %s\n' % ','.join(str(b) for b in names[i:i + 32]))
    with open(sys.argv[2], 'w') as f:
        f.write(''.join(out))


if __name__ == '__main__':
    main()
