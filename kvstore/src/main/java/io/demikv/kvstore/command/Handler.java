package io.demikv.kvstore.command;

/** Executes one command; arity and authentication were already checked. Server thread only. */
@FunctionalInterface
interface Handler {
    void execute(Ctx ctx);
}
