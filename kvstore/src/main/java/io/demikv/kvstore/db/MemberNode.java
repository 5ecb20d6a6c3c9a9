package io.demikv.kvstore.db;

/** A member of a table-encoded set: the node (16 bytes) and the member's bytes. */
final class MemberNode extends Node {
    final byte[] member;

    MemberNode(byte[] member) {
        this.member = member;
    }

    @Override
    byte[] keyArray() {
        return member;
    }

    @Override
    int keyLength() {
        return member.length;
    }
}
