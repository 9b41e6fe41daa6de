from reportqa.names import displayable


class ReaderError(ValueError):
    """A file that cannot be read as a report; the message names the file and the reason."""

    def __init__(self, name: str, reason: str):
        super().__init__(f"{displayable(name)}: {reason}")  # a name's undecodable bytes shown as \xNN
        self.name = name
        self.reason = reason
