package io.demikv.kvstore.db;

/**
 * A field of a table-encoded hash: field and value in one array ({@code data = field ++ value}), as
 * {@link Entry} does for string keys, so a field costs this node (24 bytes) and one array.
 */
final class FieldNode extends Node {
    byte[] data;
    int fieldLen;

    FieldNode(byte[] data, int fieldLen) {
        this.data = data;
        this.fieldLen = fieldLen;
    }

    @Override
    byte[] keyArray() {
        return data;
    }

    @Override
    int keyLength() {
        return fieldLen;
    }

    int valueLength() {
        return data.length - fieldLen;
    }
}
