package io.hotcrm.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/** The one JSON configuration of the HTTP edge: ISO dates, plain decimals, no nulls dropped. */
final class Json {
    static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
            .build();

    private Json() {
    }

    /** The request body as a JSON object, or a validation error that says what is wrong with it. */
    static com.fasterxml.jackson.databind.JsonNode object(io.javalin.http.Context ctx) {
        try {
            com.fasterxml.jackson.databind.JsonNode n = MAPPER.readTree(ctx.body());
            if (n == null || !n.isObject()) {
                throw io.hotcrm.common.HotCrmException.invalid("The request body must be a JSON object.");
            }
            return n;
        } catch (java.io.IOException e) {
            throw io.hotcrm.common.HotCrmException.invalid("The request body is not valid JSON: "
                    + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
