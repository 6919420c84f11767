package io.raftj.examples.kv;

/**
 * An HTTP request as the API sees it, read in full.
 *
 * @param method the method
 * @param rawPath the path, still percent-encoded
 * @param rawQuery the query string, still percent-encoded, or null
 * @param body the body
 * @param forwarded whether another member forwarded it ({@link LeaderProxy#FORWARDED_HEADER})
 */
record Request(String method, String rawPath, String rawQuery, byte[] body, boolean forwarded) {}
