package io.omnivibe.testing;

import java.lang.reflect.Field;

/** Reads a private field, declared by the object's class or a superclass: for tests that check what a library built. */
public final class Fields {

    private Fields() {
    }

    public static Object read(Object owner, String name) throws ReflectiveOperationException {
        for (Class<?> type = owner.getClass(); type != null; type = type.getSuperclass()) {
            try {
                Field field = type.getDeclaredField(name);
                field.setAccessible(true);
                return field.get(owner);
            } catch (NoSuchFieldException notHere) {
                // declared further up
            }
        }
        throw new NoSuchFieldException(name);
    }
}
