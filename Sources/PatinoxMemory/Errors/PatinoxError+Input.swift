extension PatinoxError {
    /// Input that cannot be used — a file, a message, an argument — with where it was read and what to do.
    ///
    /// - Parameters:
    ///   - component: the family the input belongs to (a cache trace, the feed, a configuration file).
    ///   - name: what the input is called in the message's context: its path, a URL, a component name.
    ///   - operation: what was being done with it (`parse`, `replay`, `decode` …).
    ///   - file: the file the problem is in, when it is in one (defaults to `name` when a line is given).
    ///   - line: the line of `file`, counting from 1, when known.
    ///   - message: what is wrong with it, with the values that matter.
    ///   - hint: what the user should do, for the recovery strategy.
    ///   - underlying: the cause, if another error caused this one.
    public static func invalidInput(
        _ component: ComponentKind,
        name: String,
        operation: String,
        file: String? = nil,
        line: Int? = nil,
        message: String,
        hint: String,
        underlying: (any Error & Sendable)? = nil
    ) -> PatinoxError {
        PatinoxError(
            code: .invalidInput,
            context: ErrorContext(
                component: component,
                name: name,
                operation: operation,
                location: line.map { SourceLocation(file: file ?? name, line: $0) }
            ),
            message: message,
            recovery: .reconfigure(hint: hint),
            underlying: underlying
        )
    }
}
