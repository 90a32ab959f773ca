import Testing
@testable import Latent

@Suite struct MessageTextTests {
    @Test func controlCharactersAreEscapedAndTheRestKept() {
        #expect("a\nb\r\tc\u{0}\u{1B}[31m".escapingControlCharacters == "a\\nb\\r\\tc\\u{0}\\u{1B}[31m")
        #expect("plain ü 3.7, 'x'".escapingControlCharacters == "plain ü 3.7, 'x'")
    }

    @Test func aDamagedCSVFieldIsQuotedOnOneLine() throws {
        let tmp = TempFolder()
        let path = try tmp.write(Array("1,0,0,0\n2,0,\u{1B}[2J\r,0\n".utf8), "bad.csv")
        expectLatentError(["line 2, column 3", "'\\u{1B}[2J' is not a number"]) { _ = try CSVImages.read(path) }
    }
}
