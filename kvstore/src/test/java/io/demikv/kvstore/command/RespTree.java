package io.demikv.kvstore.command;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A parsed RESP2/RESP3 reply for tests that compare replies loosely: {@link #unordered()} sorts the
 * elements of aggregates (pairs of maps kept together; for a SCAN-style {@code [cursor, [items]]} reply
 * only the items), {@link #shape()} drops bulk contents and keeps types and lengths. {@link #toString()}
 * writes RESP again. Immutable.
 */
final class RespTree {
    final char type;
    final String text;
    final List<RespTree> children;

    private RespTree(char type, String text, List<RespTree> children) {
        this.type = type;
        this.text = text;
        this.children = children;
    }

    static RespTree parse(String resp) {
        int[] pos = {0};
        return read(resp, pos);
    }

    private static RespTree read(String s, int[] pos) {
        char t = s.charAt(pos[0]);
        int eol = s.indexOf("\r\n", pos[0]);
        String head = s.substring(pos[0] + 1, eol);
        pos[0] = eol + 2;
        switch (t) {
            case '$', '=', '!' -> {
                int n = Integer.parseInt(head);
                if (n < 0) {
                    return new RespTree(t, head, List.of());
                }
                String body = s.substring(pos[0], pos[0] + n);
                pos[0] += n + 2;
                return new RespTree(t, body, List.of());
            }
            case '*', '~', '>', '%', '|' -> {
                int n = Integer.parseInt(head);
                if (n < 0) {
                    return new RespTree(t, head, List.of());
                }
                int items = t == '%' || t == '|' ? n * 2 : n;
                List<RespTree> kids = new ArrayList<>();
                for (int i = 0; i < items; i++) {
                    kids.add(read(s, pos));
                }
                return new RespTree(t, head, kids);
            }
            default -> {
                return new RespTree(t, head, List.of());
            }
        }
    }

    private boolean aggregate() {
        return "*~>%|".indexOf(type) >= 0 && !text.startsWith("-");
    }

    /** Elements sorted (recursively); a two-element [cursor, items] reply keeps its cursor. */
    RespTree unordered() {
        if (!aggregate()) {
            return this;
        }
        List<RespTree> kids = new ArrayList<>();
        for (RespTree c : children) {
            kids.add(c.unordered());
        }
        if (type == '*' && kids.size() == 2 && kids.get(0).type == '$' && kids.get(1).aggregate()
                && kids.get(0).text.chars().allMatch(Character::isDigit) && !kids.get(0).text.isEmpty()) {
            return new RespTree(type, text, kids); // SCAN reply: items already sorted recursively
        }
        if (type == '%') {
            List<List<RespTree>> pairs = new ArrayList<>();
            for (int i = 0; i < kids.size(); i += 2) {
                pairs.add(List.of(kids.get(i), kids.get(i + 1)));
            }
            pairs.sort(Comparator.comparing(p -> p.get(0).toString() + p.get(1).toString()));
            List<RespTree> flat = new ArrayList<>();
            pairs.forEach(flat::addAll);
            return new RespTree(type, text, flat);
        }
        kids.sort(Comparator.comparing(RespTree::toString));
        return new RespTree(type, text, kids);
    }

    /** Bulk contents replaced by their length class only ("$?"), scalars kept by type. */
    RespTree shape() {
        if (aggregate()) {
            List<RespTree> kids = new ArrayList<>();
            for (RespTree c : children) {
                kids.add(c.shape());
            }
            return new RespTree(type, text, kids);
        }
        if (type == '$' && !text.equals("-1")) {
            return new RespTree('?', "bulk", List.of());
        }
        if (type == ',' || type == ':') {
            return new RespTree(type, "n", List.of());
        }
        return this;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        write(sb);
        return sb.toString();
    }

    private void write(StringBuilder sb) {
        if (type == '?') {
            sb.append("$?\r\n");
            return;
        }
        if ((type == '$' || type == '=' || type == '!') && !text.equals("-1")) {
            sb.append(type).append(text.length()).append("\r\n").append(text).append("\r\n");
            return;
        }
        sb.append(type).append(text).append("\r\n");
        for (RespTree c : children) {
            c.write(sb);
        }
    }
}
