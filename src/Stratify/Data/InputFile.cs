namespace Stratify.Data;

/// <summary>
/// The checks a text input (a study spec, a CSV export) passes before it is opened: it exists, is not a folder, and
/// is a non-empty regular file. A device or a named pipe reports a length of 0, like an empty file, and is refused
/// without being opened: /dev/zero never ends, and opening a pipe waits for a writer.
/// </summary>
internal static class InputFile
{
    /// <summary>
    /// Returns the file's length; throws naming <paramref name="path"/> and <paramref name="what"/> it should have
    /// been ("a study spec"), with <paramref name="missing"/> as the problem when there is nothing at the path.
    /// </summary>
    public static long Require(string path, string what, string missing, string suggestion)
    {
        if (Directory.Exists(path))
            throw new StratifyInputException($"is a folder, not {what}", path, suggestion: suggestion);
        if (!File.Exists(path))
            throw new StratifyInputException(missing, path, suggestion: suggestion);
        long length = new FileInfo(path).Length;
        if (length == 0)
            throw new StratifyInputException($"is empty, or not a regular file (a device, a pipe or a socket), so not {what}", path, suggestion: suggestion);
        return length;
    }
}
