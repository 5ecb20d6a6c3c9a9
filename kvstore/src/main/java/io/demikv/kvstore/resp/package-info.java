/**
 * RESP, the Redis serialization protocol, on the server side: {@link io.demikv.kvstore.resp.RequestParser}
 * turns a connection's input (multibulk and inline requests, with Redis 7's limits and error texts) into
 * commands whose arguments are slices of one heap query buffer; {@link io.demikv.kvstore.resp.ReplyWriter}
 * implements {@link io.demikv.kvstore.resp.Reply} by encoding RESP2 or RESP3 straight into the libOS's
 * off-heap buffers, ready to push. Everything here runs on the server thread.
 */
package io.demikv.kvstore.resp;
