package io.hotcrm.security;

/** A role's rights on one object. */
public record ObjectPermission(boolean read, boolean create, boolean edit, boolean delete, boolean export,
                               Visibility visibility) {
    public static final ObjectPermission NONE = new ObjectPermission(false, false, false, false, false, Visibility.OWN);
    public static final ObjectPermission FULL = new ObjectPermission(true, true, true, true, true, Visibility.ALL);

    public ObjectPermission {
        visibility = visibility == null ? Visibility.ALL : visibility;
    }

    public boolean allows(Action action) {
        return switch (action) {
            case READ -> read;
            case CREATE -> create;
            case EDIT -> edit;
            case DELETE -> delete;
            case EXPORT -> export;
        };
    }

    /** Parses "read,create,edit" (or "all", or "none") as given on the command line. */
    public static ObjectPermission parse(String actions, Visibility visibility) {
        String a = "," + actions.toLowerCase(java.util.Locale.ROOT).replace(" ", "") + ",";
        if (a.equals(",all,")) {
            return new ObjectPermission(true, true, true, true, true, visibility);
        }
        for (String part : a.split(",")) {
            if (!part.isEmpty() && !part.equals("none") && !java.util.Set.of("read", "create", "edit", "delete", "export").contains(part)) {
                throw io.hotcrm.common.HotCrmException.invalid("Unknown permission \"" + part
                        + "\". Use read, create, edit, delete, export, all or none, separated by commas.");
            }
        }
        return new ObjectPermission(a.contains(",read,"), a.contains(",create,"), a.contains(",edit,"),
                a.contains(",delete,"), a.contains(",export,"), visibility);
    }
}
