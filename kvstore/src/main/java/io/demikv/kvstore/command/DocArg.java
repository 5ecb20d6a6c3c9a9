package io.demikv.kvstore.command;

import java.util.List;

/**
 * One argument in {@code COMMAND DOCS} (what redis-cli builds its hints from): a name, a type
 * ({@code key}, {@code string}, {@code integer}, {@code double}, {@code pattern}, {@code unix-time},
 * {@code pure-token}, {@code oneof}, {@code block}), and optionally a token, since, flags
 * ({@code optional}, {@code multiple}, {@code multiple_token}) and nested arguments. Built with the static
 * helpers below. Immutable.
 */
public record DocArg(String name, String type, int keySpecIndex, String token, String since, String deprecatedSince,
                     List<String> flags, List<DocArg> arguments) {
    public DocArg {
        flags = List.copyOf(flags);
        arguments = List.copyOf(arguments);
    }

    public static DocArg key(String name) {
        return new DocArg(name, "key", 0, null, null, null, List.of(), List.of());
    }

    public static DocArg key(String name, int specIndex) {
        return new DocArg(name, "key", specIndex, null, null, null, List.of(), List.of());
    }

    public static DocArg string(String name) {
        return of(name, "string");
    }

    public static DocArg integer(String name) {
        return of(name, "integer");
    }

    public static DocArg dbl(String name) {
        return of(name, "double");
    }

    public static DocArg pattern(String name) {
        return of(name, "pattern");
    }

    public static DocArg unixTime(String name) {
        return of(name, "unix-time");
    }

    public static DocArg of(String name, String type) {
        return new DocArg(name, type, -1, null, null, null, List.of(), List.of());
    }

    /** A bare keyword such as {@code NX}; its name is the keyword in lower case. */
    public static DocArg pure(String token) {
        return new DocArg(token.toLowerCase(java.util.Locale.ROOT), "pure-token", -1, token, null, null, List.of(),
                List.of());
    }

    public static DocArg pure(String name, String token) {
        return new DocArg(name, "pure-token", -1, token, null, null, List.of(), List.of());
    }

    public static DocArg oneof(String name, DocArg... alternatives) {
        return new DocArg(name, "oneof", -1, null, null, null, List.of(), List.of(alternatives));
    }

    public static DocArg block(String name, DocArg... parts) {
        return new DocArg(name, "block", -1, null, null, null, List.of(), List.of(parts));
    }

    /** This argument preceded by a keyword, e.g. {@code integer("seconds").token("EX")}. */
    public DocArg token(String t) {
        return new DocArg(name, type, keySpecIndex, t, since, deprecatedSince, flags, arguments);
    }

    /** This argument names keys found through key spec {@code index} (SORT's BY/GET patterns). */
    public DocArg keySpec(int index) {
        return new DocArg(name, type, index, token, since, deprecatedSince, flags, arguments);
    }

    public DocArg since(String version) {
        return new DocArg(name, type, keySpecIndex, token, version, deprecatedSince, flags, arguments);
    }

    public DocArg deprecatedSince(String version) {
        return new DocArg(name, type, keySpecIndex, token, since, version, flags, arguments);
    }

    public DocArg optional() {
        return flag("optional");
    }

    public DocArg multiple() {
        return flag("multiple");
    }

    public DocArg multipleToken() {
        return flag("multiple_token");
    }

    private DocArg flag(String f) {
        java.util.ArrayList<String> fl = new java.util.ArrayList<>(flags);
        fl.add(f);
        return new DocArg(name, type, keySpecIndex, token, since, deprecatedSince, fl, arguments);
    }
}
