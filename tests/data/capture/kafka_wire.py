"""The Kafka wire primitives the capture stubs and checkers share: a bounds-checked
Reader, encoders for the protocol's primitive types, and CRC-32C. Standard library only.
The checkers (verify_records.py, verify_requests.py) keep decoders of their own on purpose:
a checker that shared the stub's code would share its mistakes."""

import struct


class ProtocolError(Exception):
    pass


# --------------------------------------------------------------- decoding
class Reader:
    def __init__(self, data):
        self.data = data
        self.pos = 0

    def take(self, n):
        if n < 0 or self.pos + n > len(self.data):
            raise ProtocolError("short read: need %d at %d of %d"
                                % (n, self.pos, len(self.data)))
        b = self.data[self.pos:self.pos + n]
        self.pos += n
        return b

    def int8(self):
        return struct.unpack(">b", self.take(1))[0]

    def int16(self):
        return struct.unpack(">h", self.take(2))[0]

    def int32(self):
        return struct.unpack(">i", self.take(4))[0]

    def int64(self):
        return struct.unpack(">q", self.take(8))[0]

    def uvarint(self):
        shift = 0
        value = 0
        while True:
            b = self.take(1)[0]
            value |= (b & 0x7F) << shift
            if not b & 0x80:
                return value
            shift += 7
            if shift > 35:
                raise ProtocolError("uvarint too long")

    def nullable_string(self):
        n = self.int16()
        if n < 0:
            return None
        return self.take(n).decode("utf-8")

    def string(self):
        s = self.nullable_string()
        if s is None:
            raise ProtocolError("null in non-nullable string")
        return s

    def compact_nullable_string(self):
        n = self.uvarint()
        if n == 0:
            return None
        return self.take(n - 1).decode("utf-8")

    def nullable_bytes(self):
        n = self.int32()
        if n < 0:
            return None
        return self.take(n)

    def array(self, fn):
        n = self.int32()
        if n < 0:
            return None
        return [fn() for _ in range(n)]

    def skip_tagged_fields(self):
        for _ in range(self.uvarint()):
            self.uvarint()              # tag
            self.take(self.uvarint())   # size + data

    def end(self, what):
        if self.pos != len(self.data):
            raise ProtocolError("%s: %d trailing bytes"
                                % (what, len(self.data) - self.pos))


# --------------------------------------------------------------- encoding
def i8(v):
    return struct.pack(">b", v)


def i16(v):
    return struct.pack(">h", v)


def i32(v):
    return struct.pack(">i", v)


def i64(v):
    return struct.pack(">q", v)


def boolean(v):
    return b"\x01" if v else b"\x00"


def uvarint(v):
    out = bytearray()
    while True:
        b = v & 0x7F
        v >>= 7
        if v:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def varint(v):                      # zigzag, for records
    return uvarint((v << 1) ^ (v >> 63))


def string(s):
    b = s.encode("utf-8")
    return i16(len(b)) + b


def nullable_string(s):
    return i16(-1) if s is None else string(s)


def array(items):
    return i32(len(items)) + b"".join(items)


def nullable_bytes(b):
    return i32(-1) if b is None else i32(len(b)) + b


def _crc32c_table():
    table = []
    for n in range(256):
        c = n
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        table.append(c)
    return table


_CRC32C = _crc32c_table()


def crc32c(data):
    c = 0xFFFFFFFF
    for b in data:
        c = _CRC32C[(c ^ b) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF


assert crc32c(b"123456789") == 0xE3069283
