package io.raftj.examples.kv;

import java.nio.charset.StandardCharsets;

/**
 * An HTTP answer: status, content type and body.
 *
 * @param status the status code
 * @param contentType the Content-Type header
 * @param body the body
 */
record Response(int status, String contentType, byte[] body) {

  static Response json(int status, Json j) {
    return new Response(status, "application/json", (j + "\n").getBytes(StandardCharsets.UTF_8));
  }

  static Response bytes(byte[] body) {
    return new Response(200, "application/octet-stream", body);
  }

  /**
   * An error answer in the API's contract: {@code {"error":..., "code":..., "leader":...}}.
   *
   * @param status the status code
   * @param code the machine-readable code ({@link ApiError})
   * @param message what happened, for people
   * @param leader the leader this node knows, or 0
   */
  static Response error(int status, String code, String message, long leader) {
    return json(
        status,
        new Json()
            .beginObject()
            .field("error", message)
            .field("code", code)
            .fieldUnsigned("leader", leader)
            .endObject());
  }
}
