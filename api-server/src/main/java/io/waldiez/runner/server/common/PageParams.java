package io.waldiez.runner.server.common;

import io.swagger.v3.oas.annotations.Parameter;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

/**
 * {@code page} (≥1, default 1) and {@code size} (1..100, default 50) query parameters.
 *
 * <p>Bind in a controller with {@code @Valid @ParameterObject PageParams paging}; bad values give 422.
 */
public record PageParams(
        @Parameter(description = "page number, from 1") @Min(1) Integer page,
        @Parameter(description = "page size, 1..100") @Min(1) @Max(100) Integer size) {

    public static final int DEFAULT_SIZE = 50;

    public PageParams {
        page = page == null ? 1 : page;
        size = size == null ? DEFAULT_SIZE : size;
    }

    public long offset() {
        return (long) (page - 1) * size;
    }
}
