package io.waldiez.runner.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.waldiez.runner.server.common.ApiException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.mock.web.MockHttpServletRequest;

/** Internals never leak: unexpected errors and 5xx ApiExceptions get the fixed message. */
class ApiExceptionHandlerTest {

    private final ApiExceptionHandler handler = new ApiExceptionHandler();

    @Test
    void unexpectedExceptionsAreHidden() {
        ResponseEntity<Object> r = handler.unexpected(new IllegalStateException("db password is hunter2"),
                new MockHttpServletRequest("GET", "/x"));
        assertThat(r.getStatusCode()).isEqualTo(HttpStatus.INTERNAL_SERVER_ERROR);
        assertThat(r.getBody()).isEqualTo(Map.of("detail", "An unexpected error occurred."));
    }

    @Test
    void serverSideApiExceptionsAreHiddenToo() {
        ResponseEntity<Object> r = handler.api(new ApiException(HttpStatus.BAD_GATEWAY, "redis at the configured address refused"));
        assertThat(r.getStatusCode()).isEqualTo(HttpStatus.BAD_GATEWAY);
        assertThat(r.getBody()).isEqualTo(Map.of("detail", "An unexpected error occurred."));
        ResponseEntity<Object> ok = handler.api(new ApiException(HttpStatus.CONFLICT, "Task is running"));
        assertThat(ok.getBody()).isEqualTo(Map.of("detail", "Task is running"));
    }
}
