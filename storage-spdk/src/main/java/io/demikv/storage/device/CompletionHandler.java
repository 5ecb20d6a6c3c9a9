package io.demikv.storage.device;

/**
 * Receives one completed {@link BlockDevice} command: the {@code token} it was submitted with and its
 * {@code result} (bytes transferred, or a negated errno). Called from {@link BlockDevice#pollCompletions}
 * on the polling thread.
 */
@FunctionalInterface
public interface CompletionHandler {
    void onComplete(long token, int result);
}
