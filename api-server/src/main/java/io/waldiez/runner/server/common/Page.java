package io.waldiez.runner.server.common;

import java.util.List;
import java.util.function.Function;

/** The original's list envelope: {@code {"items","total","page","size","pages"}}. */
public record Page<T>(List<T> items, long total, int page, int size, long pages) {

    public static <T> Page<T> of(List<T> items, long total, PageParams params) {
        long pages = params.size() == 0 ? 0 : (total + params.size() - 1) / params.size();
        return new Page<>(items, total, params.page(), params.size(), pages);
    }

    public <R> Page<R> map(Function<T, R> mapper) {
        return new Page<>(items.stream().map(mapper).toList(), total, page, size, pages);
    }
}
