package io.waldiez.runner.server.common;

import org.springframework.http.HttpStatusCode;

/**
 * Any expected error: rendered as {@code {"detail": message}} with the given status.
 *
 * <p>Usage: {@code throw new ApiException(HttpStatus.NOT_FOUND, "Task not found")}.
 */
public class ApiException extends RuntimeException {

    private final HttpStatusCode status;

    public ApiException(HttpStatusCode status, String detail) {
        super(detail, null, false, false);
        this.status = status;
    }

    public HttpStatusCode status() {
        return status;
    }

    public String detail() {
        return getMessage();
    }
}
